"""Demo enterprise web apps (Helpdesk/CRM, Clinic intake, Procurement) and their workflow suite."""
