"""``python -m plivo_async.cli``: the same as the ``plivo-async`` command."""

import sys

from . import main

sys.exit(main())
