"""The shipped ``deploy/nginx.conf`` is valid for Debian's nginx (``nginx -t``), as shipped
with its ports filled in and with its prefix option applied; it says what docs/deploy.md
promises. Its behaviour (sticky cookies, WebSocket, failover) is tested with real replicas in
``tests/browser/test_replicas.py``. nginx missing: skipped, failed under CI=true."""

from __future__ import annotations

import re

from tests import nginx as ngx

SHIPPED = ngx.SHIPPED_CONF.read_text()


def test_shipped_config_passes_nginx_t(tmp_path):
    done = ngx.check_config(ngx.fill_ports(SHIPPED, ngx.free_port(), [8501, 8502]), tmp_path)
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


def test_shipped_config_with_a_prefix_passes_nginx_t(tmp_path):
    text = ngx.with_prefix(SHIPPED, "mash")
    done = ngx.check_config(ngx.fill_ports(text, ngx.free_port(), [8501, 8502]), tmp_path)
    assert done.returncode == 0, done.stderr


def test_a_broken_config_is_refused(tmp_path):
    """The check above can fail: nginx -t rejects a config with an unknown directive."""
    text = ngx.fill_ports(SHIPPED, ngx.free_port(), [8501, 8502]).replace(
        "keepalive 16;", "keepalive 16;\n    sticky cookie srv_id;")
    assert ngx.check_config(text, tmp_path).returncode != 0


def test_shipped_config_has_what_the_docs_promise():
    directives = re.sub(r"#.*", "", SHIPPED)  # comments do not count
    assert "listen 8080;" in directives
    assert "server 127.0.0.1:8501 " in directives and "server 127.0.0.1:8502 " in directives
    assert "hash $mash_replica_key consistent;" in directives  # sticky by cookie ...
    assert "ip_hash" not in directives  # ... never by client address
    assert "proxy_set_header Upgrade $http_upgrade;" in directives
    read = re.search(r"proxy_read_timeout (\d+)s;", directives)
    assert read and int(read.group(1)) > 30  # past Streamlit's 30 s ping
    assert "max_fails=" in directives and "proxy_next_upstream error" in directives
    # idle connections to replicas closed by nginx first (measured against a real replica in
    # tests/browser/test_behind_nginx.py)
    upstream = re.search(r"upstream mash_replicas \{(.*?)\}", directives, re.S)
    assert upstream and "keepalive_timeout 3s;" in upstream.group(1)


def test_missing_nginx_skips_locally_and_fails_under_ci(monkeypatch):
    import pytest

    monkeypatch.setattr(ngx, "nginx_binary", lambda: None)
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="nginx is missing"):
        ngx.require_nginx()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true: these tests must run"):
        ngx.require_nginx()
