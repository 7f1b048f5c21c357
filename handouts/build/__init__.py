"""The build: plan the matrix of documents, hash their inputs, render, write atomically, keep the manifest."""
