"""The measure catalog: YAML content → validated records → database."""
