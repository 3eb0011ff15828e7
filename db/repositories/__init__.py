"""Repositories: the only modules that execute queries; each exports one `<name>_repository`."""
