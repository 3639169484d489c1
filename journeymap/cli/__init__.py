"""flask commands: the demo map and exports (maps.py), synthetic maps and imports (data.py)."""

from journeymap.cli import data, maps, retention

commands = maps.commands + data.commands + retention.commands
