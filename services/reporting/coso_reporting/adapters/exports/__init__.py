"""Writers of report documents: XLSX (openpyxl) and PDF (reportlab with a Vietnamese TTF)."""
