"""A TCP relay for the network-fault tests: ``python -m tests.relay HOST PORT
UNIX_SOCKET`` listens on HOST:PORT and relays each connection to the Unix socket
(PostgreSQL's). Run inside a network namespace whose loopback the test takes down
and up again, it stands for the network between the app and its database: with
the loopback down, packets are dropped silently, as in a partition."""

import asyncio
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def main(host: str, port: int, target: str):
    async def relay(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_unix_connection(target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(
            pipe(client_reader, server_writer), pipe(server_reader, client_writer)
        )

    server = await asyncio.start_server(relay, host, port)
    print("listening", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3]))
