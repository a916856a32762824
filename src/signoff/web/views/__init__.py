"""Staff pages, one module per area: auth, customers, repair orders, operations, settings."""
