"""Files for other trainers (verl): an agent loop config and a launch script."""
