"""The `malbild` console script: every management command, plus `demo`, `serve` and `worker`."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "malbild.settings")
    if sys.argv[1:2] == ["demo"]:
        # The demo's feed sources are served by the demo itself on 127.0.0.1, so it fetches
        # from a private address; settings refuse this in production mode (and so does the
        # demo). Its worker inherits the environment.
        os.environ["MALBILD_FEED_ALLOW_PRIVATE"] = "1"
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as e:
        # A configuration mistake is the operator's to fix: say what, not where in our code.
        sys.stderr.write(f"malbild: configuration error: {e}\n")
        sys.exit(2)

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
