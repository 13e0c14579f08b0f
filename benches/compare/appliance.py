"""Our side as a site runs it, for the screen runs: `hub-kiosk run` with a configuration like
an appliance's (the door simulator on a FIFO nobody writes to, forwarding every 60 s, the
default, to a central service that answers, the clock taken as synchronised), and that central
service, started once for all the runs. The screen shows the demo's words, so it draws what the
anchors draw; tokens are random, as a real configuration's must be."""

import os
import secrets
import socket
import subprocess
import time

# The demo's site, so the welcome screen is the one the anchors copy (src/config/demo.toml).
SITE = """[site]
id = "walton"
name = "The Life Rooms (demo)"
timezone = "Europe/London"
languages = ["en", "pl", "ar", "zh"]
default_language = "en"
welcome = { en = "Welcome – it's good to see you. Come in, take your time." }
help = { en = "Need a hand? Anyone wearing a green lanyard can help." }
"""

KIOSK = SITE + """
[kiosk]
id = "entrance"
data_dir = "{data}"

[hours]
monday = "00:00-23:59"
tuesday = "00:00-23:59"
wednesday = "00:00-23:59"
thursday = "00:00-23:59"
friday = "00:00-23:59"
saturday = "00:00-23:59"
sunday = "00:00-23:59"

[sync]
central_url = "{url}"
token = "{token}"

[door]
mode = "simulator"

[clock]
assume_synchronised = true
"""

CENTRAL = """[service]
listen = "127.0.0.1:{port}"
data_dir = "{data}"

[[sites]]
id = "walton"
name = "The Life Rooms (demo)"
timezone = "Europe/London"

[[kiosks]]
site = "walton"
id = "entrance"
token = "{token}"

[[readers]]
name = "bench"
token = "{reader}"
"""


def _fill(template, **values):
    """`template` with each `{name}` replaced (TOML's own braces left alone)."""
    for k, v in values.items():
        template = template.replace("{" + k + "}", str(v))
    return template


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Central:
    """`hub-kiosk central` on a free loopback port, in `tmp`, until `stop`."""

    def __init__(self, binary, tmp):
        self.port, self.token = _free_port(), secrets.token_hex(20)
        data = os.path.join(tmp, "central")
        os.makedirs(data, exist_ok=True)
        config = os.path.join(tmp, "central.toml")
        with open(config, "w") as f:
            f.write(_fill(CENTRAL, port=self.port, data=data, token=self.token,
                                   reader=secrets.token_hex(20)))
        self.log = open(os.path.join(tmp, "central.log"), "w")
        self.proc = subprocess.Popen([binary, "central", "--config", config],
                                     stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "RUST_LOG": "warn"})
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"the central service did not start (see {self.log.name})")

    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def kiosk_config(self, tmp):
        """A kiosk configuration in `tmp` forwarding here; returns its path."""
        data = os.path.join(tmp, "data")
        os.makedirs(data, exist_ok=True)
        path = os.path.join(tmp, "kiosk.toml")
        with open(path, "w") as f:
            f.write(_fill(KIOSK, data=data, url=self.url(), token=self.token))
        return path

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.log.close()
