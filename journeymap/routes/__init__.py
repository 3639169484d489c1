"""One blueprint per part of a map."""

from journeymap.routes import barriers, journey, maps, people, silo

blueprints = [maps.bp, people.bp, journey.bp, barriers.bp, silo.bp]
