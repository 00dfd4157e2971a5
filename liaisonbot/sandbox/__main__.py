import sys

from liaisonbot.sandbox.server import main

sys.exit(main())
