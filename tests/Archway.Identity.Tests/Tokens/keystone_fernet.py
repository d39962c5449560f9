"""Drives real Keystone's Fernet code for Archway's interop tests (KeystoneInteropTests.cs).

Run with Debian's interpreter, which has keystone importable:  /usr/bin/python3 -I keystone_fernet.py

Reads one JSON request on stdin:
  {"key_repository": DIR, "max_active_keys": 3, "default_domain_id": "default",
   "auth_methods": [...] or null (Keystone's default order), "ops": [OP, ...]}
and writes {"results": [RESULT, ...]} on stdout, one result per op:
  {"op": "setup"}                          FernetUtils.initialize_key_repository() (fernet_setup)
  {"op": "rotate"}                         FernetUtils.rotate_keys() (fernet_rotate)
      -> {"files": [sorted file names], "modes": {name: "0600", ...}}
  {"op": "create", "user_id", "methods", "expires_at", "audit_ids",
   "project_id"?, "domain_id"?, "system"?}  TokenFormatter.create_token with the payload class
                                           Keystone's fernet provider would pick
      -> {"token": "...", "payload": "<hex of the msgpack plaintext>"}
  {"op": "validate", "token"}              TokenFormatter.validate_token
      -> {"ok": true, "user_id", "methods", "audit_ids", "system", "domain_id", "project_id",
          "issued_at", "expires_at", ...} or {"ok": false, "error": "..."}
"""

import json
import os
import stat
import sys

import keystone.conf
from keystone.common import fernet_utils
from keystone.token import token_formatters as tf


def configure(request):
    keystone.conf.configure()
    conf = keystone.conf.CONF
    conf([], project='keystone', default_config_files=[])
    conf.set_override('key_repository', request['key_repository'], group='fernet_tokens')
    conf.set_override('max_active_keys', request.get('max_active_keys', 3), group='fernet_tokens')
    if request.get('default_domain_id') is not None:
        conf.set_override('default_domain_id', request['default_domain_id'], group='identity')
    if request.get('auth_methods') is not None:
        conf.set_override('methods', request['auth_methods'], group='auth')
    return conf


def list_repository(directory):
    names = sorted(os.listdir(directory))
    modes = {n: format(stat.S_IMODE(os.stat(os.path.join(directory, n)).st_mode), '04o') for n in names}
    return {'files': names, 'modes': modes}


def payload_class(op):
    # keystone/token/providers/fernet/core.py _determine_payload_class_from_token, for what we test.
    if op.get('project_id') is not None:
        return tf.ProjectScopedPayload
    if op.get('domain_id') is not None:
        return tf.DomainScopedPayload
    if op.get('system') is not None:
        return tf.SystemScopedPayload
    return tf.UnscopedPayload


def run(conf, op):
    repository = conf.fernet_tokens.key_repository
    utils = fernet_utils.FernetUtils(repository, conf.fernet_tokens.max_active_keys, 'fernet_tokens')
    formatter = tf.TokenFormatter()
    kind = op['op']
    if kind == 'setup':
        utils.create_key_directory()
        utils.initialize_key_repository()
        return list_repository(repository)
    if kind == 'rotate':
        utils.rotate_keys()
        return list_repository(repository)
    if kind == 'create':
        token = formatter.create_token(
            op['user_id'], op['expires_at'], op['audit_ids'], payload_class(op),
            methods=op['methods'], system=op.get('system'), domain_id=op.get('domain_id'),
            project_id=op.get('project_id'))
        return {'token': token, 'payload': formatter.unpack(token).hex()}
    if kind == 'validate':
        try:
            (user_id, methods, audit_ids, system, domain_id, project_id, trust_id,
             federated_group_ids, identity_provider_id, protocol_id, access_token_id,
             app_cred_id, issued_at, expires_at) = formatter.validate_token(op['token'])
        except Exception as e:  # noqa: BLE001 - report every failure to the caller
            return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        return {'ok': True, 'user_id': user_id, 'methods': methods, 'audit_ids': audit_ids,
                'system': system, 'domain_id': domain_id, 'project_id': project_id,
                'trust_id': trust_id, 'app_cred_id': app_cred_id,
                'issued_at': issued_at, 'expires_at': expires_at}
    raise ValueError('unknown op %r' % kind)


def main():
    request = json.load(sys.stdin)
    conf = configure(request)
    results = [run(conf, op) for op in request['ops']]
    json.dump({'results': results}, sys.stdout)


if __name__ == '__main__':
    main()
