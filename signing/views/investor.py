"""Investor pages of the signing steps that are not the step itself (owned by the browser
work): the PDF a document becomes, before it is signed."""
