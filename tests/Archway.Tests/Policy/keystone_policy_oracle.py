"""Keystone's own answer to "may this caller do this?", for the per-route persona tests.

Reads one JSON request per line on stdin and writes one JSON answer per line on stdout. The first line configures
the enforcer: {"enforce_scope": bool, "enforce_new_defaults": bool}. Every later line is a list of checks
[{"action": "identity:get_user", "policy": {...}, "creds": {...}}, ...] and is answered with a list of booleans.

"policy" is the policy dict Keystone's RBACEnforcer.enforce_call builds before flattening it
(keystone/common/rbac_enforcer/enforcer.py): the route's view args, "target" (the member loaded by build_target,
target_attr or member_target) and "filter_attr" (the query's filter values). "creds" is what Keystone's
RequestContext.to_policy_values() returns for the caller's token: user_id, user_domain_id, project_id,
project_domain_id, domain_id, system_scope, roles and the rendered "token". The rules are Keystone's registered
defaults (keystone.common.policies.list_rules()), enforced by oslo.policy exactly as keystone does, so a denial by
scope (enforce_scope) counts as denied as well.
"""
import json
import sys

from oslo_config import cfg
from oslo_policy import policy

from keystone.common import policies
from keystone.common import utils


def main():
    settings = json.loads(sys.stdin.readline())
    conf = cfg.ConfigOpts()
    conf([], project='keystone', default_config_files=[])
    enforcer = policy.Enforcer(conf)
    conf.set_override('enforce_scope', settings['enforce_scope'], group='oslo_policy')
    conf.set_override('enforce_new_defaults', settings['enforce_new_defaults'], group='oslo_policy')
    enforcer.register_defaults(policies.list_rules())
    enforcer.load_rules()
    sys.stdout.write('ready\n')
    sys.stdout.flush()
    for line in sys.stdin:
        answers = []
        for check in json.loads(line):
            if check['action'] is None:
                # An unenforced API (keystone's @unenforced_api, or no authentication at all).
                answers.append(True)
                continue
            target = utils.flatten_dict(check['policy'])
            try:
                answers.append(bool(enforcer.enforce(check['action'], target, check['creds'], do_raise=True)))
            except policy.PolicyNotAuthorized:
                answers.append(False)
            except policy.InvalidScope:
                answers.append(False)
        sys.stdout.write(json.dumps(answers) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
