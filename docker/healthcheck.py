"""The image's HEALTHCHECK: does the web server (or the inference service) answer /healthz?

Python's urllib, not curl: the image has Python anyway, and curl would add a
package and its libraries for one request every 30 seconds.

It asks 127.0.0.1 in the name of the first host in BIRDAI_ALLOWED_HOSTS:
Django answers 400 to a Host header it was not told to serve, and a deployment
lists its own name there, not 127.0.0.1. Exit 0: healthy, 1: not.
"""

import os
import sys
import urllib.request

allowed = os.environ.get("BIRDAI_ALLOWED_HOSTS", "localhost").split(",")
# ".example.org" allows every subdomain; "*" any host.
host = allowed[0].strip().lstrip(".").replace("*", "") or "localhost"
# The web server's port, else the inference service's (the `inference` role): a
# container runs one of them, and the check cannot tell which role it was given.
PORTS = (os.environ.get("PORT", "8000"), "8001")


def answers(port: str) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:  # noqa: S310 - a fixed URL
            return bool(response.status == 200)
    except OSError as error:  # refused, timed out, or an HTTP error status
        print(f"healthcheck: port {port}: {error}", file=sys.stderr)
        return False


sys.exit(0 if any(answers(port) for port in PORTS) else 1)
