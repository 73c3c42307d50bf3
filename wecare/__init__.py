"""The operator's and developer's tools, kept apart from the kernel: the
`wecare` command (cli.py), the stack without Docker (launcher.py, with
nats-server and its users from natsserver.py and natsauth.py), the demo,
the kernel's sample domain and service, and the contract generator. They
import the kernel and the services; neither imports them, and the service
images are built without this folder (`make lint` checks the first, the
Dockerfile test the second)."""
