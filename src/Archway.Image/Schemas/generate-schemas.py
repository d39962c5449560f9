#!/usr/bin/python3
"""Writes the Glance v2 schemas Archway serves, produced by Glance's own code (Debian's python3-glance, Zed).

Run with Debian's Python after `apt-get install python3-glance`:

    /usr/bin/python3 src/Archway.Image/Schemas/generate-schemas.py

It writes image.json, images.json, member.json and members.json next to itself: what GET /v2/schemas/image,
/images, /member and /members return in a default Glance with the custom image properties every packaged Glance
installs as /etc/glance/schema-image.json (the copy beside this script comes from Debian's glance-common). Archway
embeds the files and, at start-up, only replaces the disk_format and container_format enums when [image_format]
changes them, as Glance builds those enums from that configuration.
"""
import json
import os
import sys

from oslo_config import cfg

import glance.common.config  # noqa: F401  (registers the options the schemas read)
from glance.api.v2 import image_members
from glance.api.v2 import images

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    cfg.CONF([], project='glance', default_config_files=[])
    with open(os.path.join(HERE, 'schema-image.json')) as f:
        custom = json.load(f)
    documents = {
        # glance/api/v2/schemas.py: image() and images() serve raw(), member() and members() minimal().
        'image': images.get_schema(json.loads(json.dumps(custom))).raw(),
        'images': images.get_collection_schema(json.loads(json.dumps(custom))).raw(),
        'member': image_members.get_schema().minimal(),
        'members': image_members.get_collection_schema().minimal(),
    }
    for name, document in documents.items():
        with open(os.path.join(HERE, name + '.json'), 'w') as f:
            json.dump(document, f, indent=2)
            f.write('\n')
    print('wrote ' + ', '.join(name + '.json' for name in documents), file=sys.stderr)


if __name__ == '__main__':
    main()
