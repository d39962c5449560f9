"""Answers questions with Glance's own code (Debian's python3-glance, Zed), for Archway's cross-check tests.

Reads one JSON request on stdin, {"custom": {...}, "ops": [...]}, and writes {"results": [...]}, one result per
op; "custom" holds the custom image properties (schema-image.json) the image schema is built with, as Glance builds
it from /etc/glance/schema-image.json:

  {"op": "state_targets"}                       -> glance.domain.Image.valid_state_targets
  {"op": "patch", "content_type": T, "body": B}  -> images.RequestDeserializer().update() on that request:
                                                   {"status": 200, "changes": [...]} or {"status": N, "message": M}
  {"op": "list_query", "query": Q}               -> images.RequestDeserializer().index() on GET /v2/images?Q:
                                                   {"status": 200, ...parsed...} or {"status": N, "message": M}
  {"op": "schemas"}                              -> the image, images, member and members schema documents
"""
import json
import sys

from oslo_config import cfg

import glance.common.config  # noqa: F401
from glance.api.v2 import image_members
from glance.api.v2 import images
from glance.common import wsgi
import glance.domain
import webob.exc


def state_targets(_):
    return {k: list(v) for k, v in glance.domain.Image.valid_state_targets.items()}


def error(e):
    return {'status': e.code, 'message': e.explanation or str(e.detail or '')}


def image_schema():
    return images.get_schema(json.loads(json.dumps(CUSTOM)))


def patch(op):
    request = wsgi.Request.blank('/v2/images/x', method='PATCH')
    request.content_type = op['content_type']
    request.body = op['body'].encode('utf-8')
    try:
        result = images.RequestDeserializer(image_schema()).update(request)
    except webob.exc.HTTPException as e:
        return error(e)
    return {'status': 200, 'changes': [
        {'op': c['op'], 'path': c['path'], 'value': c.get('value')} for c in result['changes']]}


def list_query(op):
    request = wsgi.Request.blank('/v2/images?' + op['query'])
    try:
        result = images.RequestDeserializer(image_schema()).index(request)
    except webob.exc.HTTPException as e:
        return error(e)
    filters = {k: v for k, v in result['filters'].items()}
    return {'status': 200, 'limit': result.get('limit'), 'marker': result.get('marker'),
            'member_status': result['member_status'], 'sort_key': result['sort_key'],
            'sort_dir': result['sort_dir'], 'filters': filters}


def schemas(_):
    return {
        'image': image_schema().raw(),
        'images': images.get_collection_schema(json.loads(json.dumps(CUSTOM))).raw(),
        'member': image_members.get_schema().minimal(),
        'members': image_members.get_collection_schema().minimal(),
    }


CUSTOM = {}
OPS = {'state_targets': state_targets, 'patch': patch, 'list_query': list_query, 'schemas': schemas}


def main():
    cfg.CONF([], project='glance', default_config_files=[])
    request = json.load(sys.stdin)
    CUSTOM.update(request.get('custom') or {})
    results = [OPS[op['op']](op) for op in request['ops']]
    json.dump({'results': results}, sys.stdout)


if __name__ == '__main__':
    main()
