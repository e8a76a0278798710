import sys

from newsmon.devtools.local_kafka.cli import main

sys.exit(main())
