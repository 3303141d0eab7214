"""What an agent can type on the twin: kubectl, helm, the mongo shell, container exec, command lines."""
