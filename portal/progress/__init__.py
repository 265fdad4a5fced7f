"""Through the year: realisasi per indicator and sub-period, bukti dukung, and umpan balik berkelanjutan."""
