"""Monitoring for BKPSDM, heads of OPD and assessors: Monitoring Pengisian, Monitoring Kurva, development and
trends, with the people behind every number and their exports."""
