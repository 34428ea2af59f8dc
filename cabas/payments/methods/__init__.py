"""A seller's payment methods (cash, cheque, transfer, SEPA, card, customer account...): `services`
(created, edited, checked, switched on and off), `forms` (one form per kind) and `views`."""
