"""Sasaran Kinerja Pegawai: the plan (RHK, indicators, perilaku kerja, lampiran), its flow and versions."""
