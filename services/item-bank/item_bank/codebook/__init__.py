"""The open code book: ICD-10-CM and HCPCS Level II, read-only, for everyone signed in.

What a candidate may open during the real exam is their own ICD-10-CM, CPT and HCPCS Level II
manuals. The code book serves the two public-domain ones: ICD-10-CM (the tabular list shipped by
simple-icd-10-cm, searched by an in-memory index) and the HCPCS Level II codes the sample bank
uses (our own short descriptors). CPT is the AMA's: nothing of it is served.
"""
