"""moto's server in a process of its own, on 127.0.0.1 at a port the system picks.

One per Terraform root: moto gives every RDS instance the same DbiResourceId, which
the provider takes as the instance's id, so two databases in one moto (and one
process holds one moto, whatever number of servers it runs) would be confused.
"""

import os
import select
import subprocess
import sys
from pathlib import Path

# ThreadedMotoServer on port 0, then the port it got on stdout; it runs until stdin closes.
SCRIPT = """
import logging, sys
from moto.server import ThreadedMotoServer
logging.getLogger("werkzeug").setLevel(logging.WARNING)
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
server.stop()
"""


class MotoServer:
    def __init__(self, log: Path) -> None:
        self.log = log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            # A DNS-validated ACM certificate is issued at once, not after moto's minute.
            env={**os.environ, "MOTO_ACM_VALIDATION_WAIT": "0"},
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        port = self.process.stdout.readline().strip() if ready else ""
        if not port.isdigit():
            self.stop()
            raise RuntimeError(f"moto did not start within 60 s; its log: {log}")
        self.endpoint = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Close its stdin (it stops itself); end it if it does not within 10 s."""
        if self.process.stdin:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
