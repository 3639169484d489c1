"""What leaves the app: de-identification, JSON in and out, CSV, and downloads."""
