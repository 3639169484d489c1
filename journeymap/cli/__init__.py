"""flask commands: the demo map and exports (maps.py), synthetic maps and imports (data.py), backup and
restore (backup.py), retention and accounts (retention.py)."""

from journeymap.cli import backup, data, maps, retention

commands = maps.commands + data.commands + backup.commands + retention.commands
