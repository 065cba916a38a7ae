"""The command line: one module per noun, joined in heartlink.cli.app.

Command modules import only typer and this package at load time; each command imports the core
modules it needs inside itself, so that starting one command loads nothing the others need.
"""
