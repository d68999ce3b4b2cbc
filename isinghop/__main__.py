import sys

from isinghop.cli import main

sys.exit(main())
