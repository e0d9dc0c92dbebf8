"""Platform connectors: one package per platform, each implementing the Protocols its
capabilities declare (see tandem.publish.ports). `registry.CONNECTORS` maps names to them.
"""
