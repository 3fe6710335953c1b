from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication

from malbild.wsgi import application


class GunicornApp(BaseApplication):
    """gunicorn with our options and WSGI app, without a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return application


class Command(BaseCommand):
    help = "Serve Målbild with gunicorn (the same server as in production)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=settings.SERVE_BIND, help="host:port")
        parser.add_argument("--workers", type=int, default=settings.SERVE_WORKERS)
        parser.add_argument("--threads", type=int, default=settings.SERVE_THREADS)
        # Normally a proxy in front terminates TLS; `make bench` serves HTTPS itself with these.
        parser.add_argument("--certfile", default="", help="a PEM certificate: serve HTTPS")
        parser.add_argument("--keyfile", default="", help="the certificate's PEM private key")

    def handle(
        self,
        *args: Any,
        bind: str,
        workers: int,
        threads: int,
        certfile: str,
        keyfile: str,
        **opts: Any,
    ) -> None:
        if bool(certfile) != bool(keyfile):
            raise CommandError("--certfile and --keyfile go together.")
        options: dict[str, Any] = {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "accesslog": "-",
            "errorlog": "-",
            "timeout": 60,
            "forwarded_allow_ips": settings.FORWARDED_ALLOW_IPS,
        }
        if certfile:
            options |= {"certfile": certfile, "keyfile": keyfile}
        self.stdout.write(f"Målbild serves at {'https' if certfile else 'http'}://{bind}/")
        GunicornApp(options).run()
