"""How passwords are stored: Argon2id at OWASP's recommended minimum.

Django's default, PBKDF2 at 1,500,000 rounds, costs 0.3-0.4 s of one core per sign-in,
so a class signing in at once queues every page behind it on a 2-core machine. Argon2id
is memory-hard, which makes a stolen hash far dearer to crack on a GPU. OWASP lists
five settings of equal strength, trading memory for passes; we take the one with the
least memory (7 MiB, 5 passes, 1 lane: about 30 ms of one core), since a web process
with 8 threads may hash 8 passwords at once. Django's own Argon2 hasher asks for
100 MiB and 8 lanes: 8 threads and 100 MiB for every sign-in.
"""

import ctypes

from django.contrib.auth.hashers import Argon2PasswordHasher

M_MMAP_THRESHOLD = -3  # mallopt's parameter number, from glibc's malloc.h
GLIBC_FIRST_MMAP_THRESHOLD = 128 * 1024


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m=7168 KiB, t=5, p=1 (OWASP Password Storage Cheat Sheet).

    The algorithm name stays "argon2", so hashes made with other parameters still
    verify, and Django rehashes them with these at the next sign-in.
    """

    time_cost = 5
    memory_cost = 7_168  # KiB
    parallelism = 1


def _give_big_blocks_back_to_the_os() -> None:
    # Each hash mallocs its 7 MiB and frees it. glibc mmaps a block that big, but after
    # the first free it raises its mmap threshold above it, so later ones come from each
    # thread's arena and stay there: +7 MiB of RSS per gunicorn thread, for good.
    # Fixing the threshold at glibc's starting value keeps every such block mmapped, so
    # it goes back to the OS when freed. Other C libraries have no such knob (or ignore it).
    try:
        mallopt = getattr(ctypes.CDLL(None), "mallopt", None)  # the process's own C library
    except (OSError, TypeError):  # Windows has no such handle
        mallopt = None
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, GLIBC_FIRST_MMAP_THRESHOLD)


_give_big_blocks_back_to_the_os()
