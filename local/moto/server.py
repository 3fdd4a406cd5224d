"""The local stack's moto server: moto's own WSGI application with the fixes of `patches.py`, served by
waitress (a thread pool and keep-alive connections) instead of werkzeug's development server (a thread and
a connection per request). `local/moto/moto-server.ts` starts it:

    .venv/bin/python local/moto/server.py -H 127.0.0.1 -p 5050

Measured on a 2-core machine (a DynamoDB PutItem from the SDK, 8 concurrent callers): werkzeug's server and
moto's unpatched dispatch answered about 170 requests/s; see README, "The local stack under load".
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import patches  # noqa: E402

patches.apply()

import waitress  # noqa: E402
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app  # noqa: E402


def _operation(environ) -> str:
    """The JSON protocol's target (`DynamoDB_20120810.PutItem`), or the service of the request's signature."""
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return target
    scope = environ.get("HTTP_AUTHORIZATION", "").split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return scope[3] if len(scope) > 3 else "-"


def access_log(app, log):
    """One line per request, `METHOD path status operation`: which calls the local stack makes, and how many."""

    def logged(environ, start_response):
        def start(status, headers, exc_info=None):
            line = f'{environ["REQUEST_METHOD"]} {environ.get("PATH_INFO", "/")} {status.split(" ", 1)[0]} {_operation(environ)}\n'
            log.write(line)
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return logged


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--log-file", help="where the request log goes (a file, written directly: a pipe to "
                        "the parent would cost moto a blocking write per request); none when absent")
    args = parser.parse_args()
    app = DomainDispatcherApplication(create_backend_app)
    if args.log_file:
        app = access_log(app, open(args.log_file, "a", buffering=1, encoding="utf-8"))  # noqa: SIM115
    waitress.serve(
        app,
        host=args.host,
        port=args.port,
        threads=args.threads,
        # Long polls (ReceiveMessage with WaitTimeSeconds) hold a thread; the SDK keeps connections open.
        connection_limit=1000,
        channel_timeout=120,
        ident="moto",
        _quiet=True,
    )


if __name__ == "__main__":
    main()
