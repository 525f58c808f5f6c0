from routing import compiled

compiled.use_current()  # before any module of the router core is imported
