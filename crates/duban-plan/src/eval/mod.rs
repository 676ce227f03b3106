//! Scores the importer against answer keys in the corpus-expected/v1 format.
