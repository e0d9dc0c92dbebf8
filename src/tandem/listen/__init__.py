"""Listen: what people say about the brand, its competitors and its topics."""
