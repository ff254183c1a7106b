"""The test servers' ports: free_port() never hands out one it gave before (the kernel offers a closed
port again at once, before the process it was meant for has bound it)."""

from tests.support.servers import free_port


def test_free_port_never_repeats_itself():
    ports = [free_port() for _ in range(1000)]
    assert len(set(ports)) == len(ports)
