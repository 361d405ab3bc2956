""" "Mon espace": one page that gathers what concerns the logged-in member."""
