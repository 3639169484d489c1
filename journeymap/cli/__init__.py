"""flask commands: the demo map and exports (maps.py), synthetic maps and imports (data.py)."""

from journeymap.cli import backup, data, maps

commands = maps.commands + data.commands
commands += backup.commands  # backup and restore (journeymap/backup)
