"""In-app notifications (the bell), e-mail through the regency's SMTP server, and the reminders of
``flask send-reminders``."""
