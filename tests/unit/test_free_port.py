"""The test servers' ports: free_port() never hands out one it gave before (the kernel's random pick may
offer again a port handed out earlier that its service has not bound yet)."""

from tests.support.servers import free_port


def test_free_port_never_repeats_itself():
    ports = [free_port() for _ in range(1000)]
    assert len(set(ports)) == len(ports)
