"""Drives Archway's Identity API through openstacksdk (Debian's python3-openstacksdk), as applications do.

Credentials come from the OS_* environment (admin-openrc). Every step's result is printed as one JSON object on
stdout for the C# test to check; the script itself only stops on an SDK exception, which it reports.
"""
import json
import sys
import uuid

import openstack


def main():
    suffix = uuid.uuid4().hex[:8]
    out = {}
    conn = openstack.connect()
    identity = conn.identity

    # Token: the session authenticates with the password and issues a project-scoped token.
    token = conn.session.get_token()
    access = conn.session.auth.get_access(conn.session)
    out['token'] = {
        'id_prefix': token[:6],
        'user_name': access.username,
        'project_name': access.project_name,
        'roles': sorted(access.role_names),
        'identity_endpoint': conn.session.get_endpoint(service_type='identity', interface='public'),
    }

    default = identity.find_domain('default')
    project = identity.create_project(name='sdk-project-' + suffix, domain_id=default.id, description='made by openstacksdk')
    out['project'] = {'id': project.id, 'name': project.name, 'domain_id': project.domain_id, 'description': project.description,
                      'enabled': project.is_enabled}
    out['project_listed'] = project.id in [p.id for p in identity.projects()]
    out['project_found'] = identity.find_project('sdk-project-' + suffix, domain_id=default.id).id
    identity.update_project(project, description='updated by openstacksdk')
    out['project_updated_description'] = identity.get_project(project.id).description

    user = identity.create_user(name='sdk-user-' + suffix, domain_id=default.id, password='Sdk-Passw0rd', default_project_id=project.id,
                                email='sdk@example.test')
    out['user'] = {'id': user.id, 'name': user.name, 'domain_id': user.domain_id, 'default_project_id': user.default_project_id,
                   'enabled': user.is_enabled, 'email': user.email}
    out['user_listed'] = user.id in [u.id for u in identity.users(domain_id=default.id)]

    role = identity.create_role(name='sdk-role-' + suffix)
    out['role'] = {'id': role.id, 'name': role.name}
    out['role_listed'] = role.id in [r.id for r in identity.roles()]

    identity.assign_project_role_to_user(project, user, role)
    assignments = list(identity.role_assignments(user_id=user.id, scope_project_id=project.id))
    out['assignments'] = [{'role': a.role['id'], 'user': a.user['id'], 'project': a.scope['project']['id']} for a in assignments]
    out['user_role_check'] = identity.validate_user_has_project_role(project, user, role)

    # The new user authenticates with the role it was given.
    user_conn = openstack.connect(auth_url=conn.auth['auth_url'], username=user.name, password='Sdk-Passw0rd',
                                  project_name=project.name, user_domain_name='Default', project_domain_name='Default',
                                  identity_api_version='3')
    user_access = user_conn.session.auth.get_access(user_conn.session)
    out['user_token'] = {'project_id': user_access.project_id, 'roles': sorted(user_access.role_names)}

    service = identity.create_service(name='sdk-service-' + suffix, type='sdk-type-' + suffix, description='sdk service')
    out['service'] = {'id': service.id, 'name': service.name, 'type': service.type, 'enabled': service.is_enabled}
    endpoint = identity.create_endpoint(service_id=service.id, interface='public', url='http://sdk.example.test:8080/v1',
                                        region_id='RegionOne')
    out['endpoint'] = {'id': endpoint.id, 'service_id': endpoint.service_id, 'interface': endpoint.interface, 'url': endpoint.url,
                       'region_id': endpoint.region_id, 'enabled': endpoint.is_enabled}
    out['endpoints_of_service'] = [e.id for e in identity.endpoints(service_id=service.id)]
    # A new session's catalog has the new endpoint at once.
    fresh = openstack.connect()
    out['catalog_url'] = fresh.session.get_endpoint(service_type='sdk-type-' + suffix, interface='public', region_name='RegionOne')

    identity.unassign_project_role_from_user(project, user, role)
    out['assignments_after_unassign'] = len(list(identity.role_assignments(user_id=user.id, scope_project_id=project.id)))
    identity.delete_endpoint(endpoint)
    identity.delete_service(service)
    identity.delete_role(role)
    identity.delete_user(user)
    identity.delete_project(project)
    out['after_delete'] = {
        'endpoint': identity.find_endpoint(endpoint.id) is not None,
        'service': identity.find_service(service.id) is not None,
        'role': identity.find_role(role.id) is not None,
        'user': identity.find_user(user.id) is not None,
        'project': identity.find_project(project.id) is not None,
    }
    try:
        identity.get_project(project.id)
        out['get_deleted_project'] = 'found'
    except openstack.exceptions.ResourceNotFound as e:
        out['get_deleted_project'] = 'not found: %s' % e.status_code
    print(json.dumps(out))


if __name__ == '__main__':
    try:
        main()
    except openstack.exceptions.SDKException as e:
        print('openstacksdk error: %s' % e, file=sys.stderr)
        sys.exit(1)
