"""waitress as `make serve` starts it survives real browsers: idle keep-alive connections (browsers keep several
open per tab, and a slow phone may open one and send nothing) must not lock a new visitor out.

With waitress's defaults (100 connections) 98 idle connections held the server shut for minutes (issue 15:
a new visitor waited 138 s). The settings come from the Makefile (tests.load.serve_settings), so this test
fails when they are changed back."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest
from waitress.server import create_server

from tests.load import serve_settings
from tests.pg import free_port

IDLE_CONNECTIONS = 120


def _serve(app, **settings):
    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, **settings)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    return server, port


def _hold_idle_connections(port: int, count: int) -> list[socket.socket]:
    """Half connect and send nothing; half finish a request and keep the connection alive, idle."""
    sockets = []
    for i in range(count):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        if i % 2:
            sock.sendall(b"GET /masuk HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n")
        sockets.append(sock)
    return sockets


def _new_visitor(port: int, timeout: float) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", "/masuk")
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        conn.close()


def test_the_makefile_settings_are_the_ones_chosen():
    settings = serve_settings()
    assert settings["connection_limit"] >= 500 and settings["channel_timeout"] <= 60
    assert settings["backlog"] >= 1024 and settings["threads"] >= 4


def test_idle_keep_alive_connections_do_not_block_a_new_visitor(app):
    server, port = _serve(app, asyncore_use_poll=True, **serve_settings())
    idle = _hold_idle_connections(port, IDLE_CONNECTIONS)
    try:
        time.sleep(0.5)  # the server has accepted them all
        status, seconds = _new_visitor(port, timeout=10)
        assert status == 200 and seconds < 3, seconds
    finally:
        for sock in idle:
            sock.close()
        server.close()


def test_with_waitress_defaults_the_same_idle_connections_lock_the_door(app):
    """The failure the settings prevent (so the test above can fail): 100 connections, all held idle."""
    server, port = _serve(app, threads=4)
    idle = _hold_idle_connections(port, IDLE_CONNECTIONS)
    try:
        time.sleep(0.5)
        with pytest.raises((TimeoutError, socket.timeout)):
            _new_visitor(port, timeout=2)
    finally:
        for sock in idle:
            sock.close()
        server.close()
