"""Answers policy questions with the real oslo.policy and Keystone's registered defaults.

Run by Debian's /usr/bin/python3 (python3-keystone, python3-oslo.policy). Reads one JSON request on stdin and
writes one JSON answer on stdout. Requests ("op"):

  keystone  Enforce actions the way Keystone 22 does (RBACEnforcer._enforce over oslo.policy's Enforcer with
            keystone.common.policies.list_rules() registered) for every (persona i, target i) pair x action, under
            each config (enforce_scope, enforce_new_defaults, optional policy file text). One character per answer:
            A allowed, D denied by the rule, S denied by scope (InvalidScope), U unknown action (Keystone's
            "invalid rule (action) name" 403), E the enforcer raised something else.
  check     Evaluate check strings (the policy language itself) for persona/target pairs, with extra named
            rules for rule: references: true/false, or "error" when oslo raises.
  parse     str() of oslo's parse tree for each rule (text or list-of-lists form) and whether oslo logged a
            parse error (it logs and substitutes "!").
  load      oslo's parse_file_contents (JSON first, then yaml.safe_load) for policy file texts.
  defaults  The registered rule names, in order.
"""
import inspect
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import warnings

warnings.simplefilter('ignore')
# Keep oslo's warnings (e.g. "JSON formatted policy_file support is deprecated") off stdout and stderr.
logging.getLogger().addHandler(logging.NullHandler())

from oslo_config import cfg  # noqa: E402
from oslo_policy import _checks  # noqa: E402
from oslo_policy import _parser  # noqa: E402
from oslo_policy import opts  # noqa: E402
from oslo_policy import policy  # noqa: E402

from keystone.common import context as ks_context  # noqa: E402
from keystone.common import policies  # noqa: E402

RULES = list(policies.list_rules())


class _CachedArgspec:
    """oslo's _checks._check calls inspect.getfullargspec on every node of every evaluation (most of its cost);
    the answer depends only on the check class, so cache it. Decisions are unchanged."""

    def __init__(self):
        self._cache = {}

    def getfullargspec(self, method):
        function = getattr(method, '__func__', method)
        if function not in self._cache:
            self._cache[function] = inspect.getfullargspec(function)
        return self._cache[function]


_checks.inspect = _CachedArgspec()

# keystone.common.rbac_enforcer.enforcer._POSSIBLE_TARGET_ACTIONS
POSSIBLE_TARGET_ACTIONS = frozenset(r.name for r in RULES if not r.deprecated_for_removal)


class Denied(Exception):
    def __init__(self, *args, **kwargs):
        super().__init__('denied')


class ErrorRecorder(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record):
        self.count += 1


def token_render(p):
    """keystone.common.render_token.render_token_response_from_model, for the fields policy can see."""
    token = {
        'methods': ['password'],
        'user': {
            'domain': {'id': p.get('user_domain_id'), 'name': p.get('user_domain_name')},
            'id': p.get('user_id'),
            'name': p.get('user_name'),
            'password_expires_at': None,
        },
        'audit_ids': ['AAAAAAAAAAAAAAAAAAAAAA'],
        'expires_at': '2030-01-01T00:00:00.000000Z',
        'issued_at': '2029-12-31T23:00:00.000000Z',
    }
    roles = [{'id': 'id-' + r, 'name': r} for r in p.get('roles') or []]
    if p.get('system_scope'):
        token['roles'] = roles
        token['system'] = {'all': True}
    elif p.get('domain_id'):
        token['domain'] = {'id': p.get('domain_id'), 'name': p.get('domain_name')}
        token['roles'] = roles
    elif p.get('project_id'):
        token['project'] = {
            'domain': {'id': p.get('project_domain_id'), 'name': p.get('project_domain_name')},
            'id': p.get('project_id'),
            'name': p.get('project_name'),
        }
        token['is_domain'] = False
        token['roles'] = roles
    return token


def credentials(p):
    """What oslo.policy sees for a Keystone request: RequestContext.to_policy_values() plus 'token'."""
    ctx = ks_context.RequestContext(
        user_id=p.get('user_id'),
        user_domain_id=p.get('user_domain_id'),
        project_id=p.get('project_id'),
        project_domain_id=p.get('project_domain_id'),
        domain_id=p.get('domain_id'),
        system_scope=p.get('system_scope'),
        roles=list(p.get('roles') or []),
        is_admin_project=p.get('is_admin_project', True),
        service_user_id=p.get('service_user_id'),
        service_user_domain_id=p.get('service_user_domain_id'),
        service_project_id=p.get('service_project_id'),
        service_project_domain_id=p.get('service_project_domain_id'),
        service_roles=list(p.get('service_roles') or []),
    )
    ctx.token_reference = {'token': token_render(p)}
    creds = dict(ctx.to_policy_values())
    if p.get('is_admin') is not None:
        # Not part of Keystone's credentials; lets the language tests exercise is_admin checks.
        creds['is_admin'] = p['is_admin']
    return creds


def make_enforcer(directory, config, index):
    conf = cfg.ConfigOpts()
    conf(args=[], project='archway-policy-oracle', default_config_files=[], default_config_dirs=[])
    opts._register(conf)
    conf.set_override('enforce_scope', bool(config.get('enforce_scope')), 'oslo_policy')
    conf.set_override('enforce_new_defaults', bool(config.get('enforce_new_defaults')), 'oslo_policy')
    conf.set_override('policy_dirs', [], 'oslo_policy')
    path = os.path.join(directory, 'policy-%d.%s' % (index, config.get('policy_file_suffix', 'yaml')))
    if config.get('policy_file') is not None:
        with open(path, 'w', encoding='utf-8') as f:
            f.write(config['policy_file'])
    conf.set_override('policy_file', path, 'oslo_policy')
    enforcer = policy.Enforcer(conf)
    enforcer.suppress_deprecation_warnings = True
    enforcer.suppress_default_change_warnings = True
    enforcer.register_defaults(RULES)
    enforcer.load_rules()
    # Rules are loaded; stop enforce() from searching for the file again on every call (decisions are unchanged).
    enforcer.use_conf = False
    return enforcer


def keystone_enforce(enforcer, action, creds, target):
    """keystone.common.rbac_enforcer.enforcer.RBACEnforcer: enforce_call's action check, then _enforce."""
    if action not in POSSIBLE_TARGET_ACTIONS:
        return 'U'
    try:
        enforcer.enforce(action, dict(target), dict(creds), do_raise=True, exc=Denied)
        return 'A'
    except Denied:
        return 'D'
    except policy.InvalidScope:
        return 'S'
    except Exception:  # noqa: BLE001 - anything else is an answer too
        return 'E'


def keystone_answers(job):
    """One config's answers; run in a forked worker so the configs proceed in parallel."""
    index, config, personas, targets, actions = job
    with tempfile.TemporaryDirectory() as directory:
        enforcer = make_enforcer(directory, config, index)
        out = []
        for creds, target in zip(personas, targets, strict=True):
            for action in actions:
                out.append(keystone_enforce(enforcer, action, creds, target))
        return ''.join(out)


def op_keystone(request):
    personas = [credentials(p) for p in request['personas']]
    jobs = [(i, c, personas, request['targets'], request['actions']) for i, c in enumerate(request['configs'])]
    with multiprocessing.get_context('fork').Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        return {'answers': pool.map(keystone_answers, jobs)}


def op_check(request):
    with tempfile.TemporaryDirectory() as directory:
        enforcer = make_enforcer(directory, {}, 0)
    enforcer.set_rules(policy.Rules.from_dict(request.get('rules', {}), 'default'), overwrite=True)
    results = []
    for case in request['cases']:
        check = _parser.parse_rule(case['rule'])
        try:
            results.append(bool(enforcer.enforce(check, dict(case['target']), credentials(case['persona']))))
        except Exception:  # noqa: BLE001
            results.append('error')
    return {'results': results}


def op_parse(request):
    recorder = ErrorRecorder()
    logger = logging.getLogger('oslo_policy._parser')
    logger.addHandler(recorder)
    logger.propagate = False
    results = []
    for rule in request['rules']:
        before = recorder.count
        try:
            check = _parser.parse_rule(rule)
        except Exception as e:  # noqa: BLE001
            results.append({'str': None, 'error': True, 'exception': type(e).__name__})
            continue
        is_check = hasattr(check, '__call__') and not isinstance(check, str)
        results.append({'str': str(check) if is_check else None, 'error': recorder.count > before or not is_check})
    return {'results': results}


def op_load(request):
    results = []
    for text in request['files']:
        try:
            parsed = policy.parse_file_contents(text)
        except Exception as e:  # noqa: BLE001
            results.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
            continue
        if not isinstance(parsed, dict):
            results.append({'ok': False, 'error': 'not a mapping: %s' % type(parsed).__name__})
            continue
        rules = {}
        for key, value in parsed.items():
            rules[str(key)] = {'key_type': type(key).__name__, 'type': type(value).__name__,
                               'value': value if isinstance(value, (str, list)) else None}
        results.append({'ok': True, 'rules': rules})
    return {'results': results}


def op_defaults(request):
    return {'names': [r.name for r in RULES], 'possible': sorted(POSSIBLE_TARGET_ACTIONS)}


def main():
    request = json.load(sys.stdin)
    handler = {'keystone': op_keystone, 'check': op_check, 'parse': op_parse, 'load': op_load,
               'defaults': op_defaults}[request['op']]
    json.dump(handler(request), sys.stdout)


if __name__ == '__main__':
    main()
