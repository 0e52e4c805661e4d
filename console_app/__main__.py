import sys

from console_app.cli import main

sys.exit(main())
