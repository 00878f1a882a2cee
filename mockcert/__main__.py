import sys

from mockcert.cli import main

sys.exit(main())
