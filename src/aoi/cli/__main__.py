"""python -m aoi.cli"""

from aoi.cli import main

main()
