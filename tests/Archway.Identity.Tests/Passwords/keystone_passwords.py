"""Keystone's own password hashing, driven by Archway's interop tests.

Run with Debian's /usr/bin/python3 (python3-keystone, python3-passlib, python3-bcrypt). Reads one JSON object
{"requests": [...]} from stdin and writes {"results": [...]} to stdout, one result per request:
{"ok": true, "value": ...} or {"ok": false, "error": "ExceptionType: message"}.

Requests:
  {"op": "versions"}
  {"op": "keystone_hash", "algorithm": "bcrypt", "rounds": 4, "password": "..."}
      keystone.common.password_hashing.hash_password with [identity] password_hash_algorithm and
      password_hash_rounds overridden (rounds null = Keystone's default).
  {"op": "keystone_check", "algorithm": "bcrypt", "password": "...", "hash": "..."}
      keystone.common.password_hashing.check_password with password_hash_algorithm overridden (it decides
      how passwords are truncated).
  {"op": "passlib_hash", "scheme": "bcrypt_sha256", "settings": {"rounds": 4}, "password": "..."}
  {"op": "passlib_verify", "scheme": "bcrypt_sha256", "password": "...", "hash": "..."}
      passlib directly, for bcrypt_sha256, which Keystone 22 cannot read (later Keystone releases write it in
      passlib's format). Passwords are UTF-8 encoded.
"""

import json
import logging
import sys

import keystone.conf
import passlib
import passlib.hash

CONF = keystone.conf.CONF
keystone.conf.configure(CONF)
CONF([], project="keystone", default_config_files=[])

from keystone.common import password_hashing  # noqa: E402  (needs CONF set up)

# Keystone logs a warning for every truncated password; stdout carries only the JSON answer.
logging.disable(logging.CRITICAL)


def run(request):
    op = request["op"]
    if op == "versions":
        from importlib import metadata
        import bcrypt
        return {
            "keystone": metadata.version("keystone"),
            "passlib": passlib.__version__,
            "bcrypt": bcrypt.__version__,
        }
    if op == "keystone_hash":
        CONF.set_override("password_hash_algorithm", request["algorithm"], group="identity")
        CONF.set_override("password_hash_rounds", request.get("rounds"), group="identity")
        return password_hashing.hash_password(request["password"])
    if op == "keystone_check":
        CONF.set_override("password_hash_algorithm", request["algorithm"], group="identity")
        return password_hashing.check_password(request["password"], request["hash"])
    if op == "passlib_hash":
        scheme = getattr(passlib.hash, request["scheme"])
        return scheme.using(**request.get("settings", {})).hash(request["password"].encode("utf-8"))
    if op == "passlib_verify":
        scheme = getattr(passlib.hash, request["scheme"])
        return scheme.verify(request["password"].encode("utf-8"), request["hash"])
    raise ValueError("unknown op %r" % op)


def main():
    requests = json.load(sys.stdin)["requests"]
    results = []
    for request in requests:
        try:
            results.append({"ok": True, "value": run(request)})
        except Exception as error:  # every failure is an answer: Keystone raising is what we compare against
            results.append({"ok": False, "error": "%s: %s" % (type(error).__name__, error)})
    json.dump({"results": results}, sys.stdout)


if __name__ == "__main__":
    main()
