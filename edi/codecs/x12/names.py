"""Names of the X12 segments and data elements this engine reads, for people (the console's
"show segments" page). Data, from the published 004010 dictionary; nothing validates with it.
"""

from __future__ import annotations

SEGMENT_NAMES: dict[str, str] = {
    "ISA": "Interchange Control Header", "IEA": "Interchange Control Trailer",
    "GS": "Functional Group Header", "GE": "Functional Group Trailer",
    "ST": "Transaction Set Header", "SE": "Transaction Set Trailer", "TA1": "Interchange Acknowledgment",
    "BEG": "Beginning Segment for Purchase Order", "BCH": "Beginning Segment for Purchase Order Change",
    "BAK": "Beginning Segment for Purchase Order Acknowledgment", "BSN": "Beginning Segment for Ship Notice",
    "BFR": "Beginning Segment for Planning Schedule", "BIG": "Beginning Segment for Invoice",
    "CUR": "Currency", "REF": "Reference Identification", "PER": "Administrative Communications Contact",
    "DTM": "Date/Time Reference", "N1": "Name", "N2": "Additional Name Information",
    "N3": "Address Information", "N4": "Geographic Location", "PO1": "Baseline Item Data",
    "POC": "Line Item Change", "ACK": "Line Item Acknowledgment", "PID": "Product/Item Description",
    "SCH": "Line Item Schedule", "CTT": "Transaction Totals", "AMT": "Monetary Amount",
    "HL": "Hierarchical Level", "TD1": "Carrier Details (Quantity and Weight)",
    "TD5": "Carrier Details (Routing Sequence/Transit Time)", "TD3": "Carrier Details (Equipment)",
    "TD4": "Carrier Details (Special Handling, or Hazardous Materials, or Both)",
    "PRF": "Purchase Order Reference", "MAN": "Marks and Numbers", "LIN": "Item Identification",
    "SN1": "Item Detail (Shipment)", "SLN": "Subline Item Detail", "PO4": "Item Physical Details",
    "UIT": "Unit Detail", "FST": "Forecast Schedule", "SDP": "Ship/Delivery Pattern",
    "SHP": "Shipped/Received Information", "ATH": "Resource Authorization",
    "IT1": "Baseline Item Data (Invoice)", "TDS": "Total Monetary Value Summary", "TXI": "Tax Information",
    "SAC": "Service, Promotion, Allowance, or Charge Information", "ISS": "Invoice Shipment Summary",
    "ITD": "Terms of Sale/Deferred Terms of Sale", "FOB": "F.O.B. Related Instructions",
    "CTB": "Restrictions/Conditions", "MSG": "Message Text", "NTE": "Note/Special Instruction",
    "AK1": "Functional Group Response Header", "AK2": "Transaction Set Response Header",
    "AK3": "Data Segment Note", "AK4": "Data Element Note", "AK5": "Transaction Set Response Trailer",
    "AK9": "Functional Group Response Trailer", "IK3": "Implementation Data Segment Note",
    "IK4": "Implementation Data Element Note", "IK5": "Implementation Transaction Set Response Trailer",
    "CTX": "Context",
}

# The fixed-width envelope segments use interchange element ids (I01...).
ENVELOPE_ELEMENTS: dict[str, list[tuple[str, str]]] = {
    "ISA": [("I01", "Authorization Information Qualifier"), ("I02", "Authorization Information"),
            ("I03", "Security Information Qualifier"), ("I04", "Security Information"),
            ("I05", "Interchange ID Qualifier"), ("I06", "Interchange Sender ID"),
            ("I05", "Interchange ID Qualifier"), ("I07", "Interchange Receiver ID"),
            ("I08", "Interchange Date"), ("I09", "Interchange Time"),
            ("I10", "Interchange Control Standards Identifier"),
            ("I11", "Interchange Control Version Number"), ("I12", "Interchange Control Number"),
            ("I13", "Acknowledgment Requested"), ("I14", "Interchange Usage Indicator"),
            ("I15", "Component Element Separator")],
    "IEA": [("I16", "Number of Included Functional Groups"), ("I12", "Interchange Control Number")],
    "TA1": [("I12", "Interchange Control Number"), ("I08", "Interchange Date"), ("I09", "Interchange Time"),
            ("I17", "Interchange Acknowledgment Code"), ("I18", "Interchange Note Code")],
}
# From 00501 on, ISA11 is the repetition separator.
ISA11_00501 = ("I65", "Repetition Separator")

ELEMENT_NAMES: dict[str, str] = {
    # envelope and control
    "143": "Transaction Set Identifier Code", "329": "Transaction Set Control Number",
    "1705": "Implementation Convention Reference", "479": "Functional Identifier Code",
    "142": "Application Sender's Code", "124": "Application Receiver's Code", "28": "Group Control Number",
    "455": "Responsible Agency Code", "480": "Version / Release / Industry Identifier Code",
    "96": "Number of Included Segments", "97": "Number of Transaction Sets Included",
    # acknowledgements
    "123": "Number of Received Transaction Sets", "2": "Number of Accepted Transaction Sets",
    "715": "Functional Group Acknowledge Code", "716": "Functional Group Syntax Error Code",
    "717": "Transaction Set Acknowledgment Code", "718": "Transaction Set Syntax Error Code",
    "721": "Segment ID Code", "719": "Segment Position in Transaction Set", "447": "Loop Identifier Code",
    "720": "Segment Syntax Error Code", "C030": "Position in Segment", "722": "Element Position in Segment",
    "725": "Data Element Reference Number", "723": "Data Element Syntax Error Code",
    "724": "Copy of Bad Data Element", "618": "Implementation Transaction Set Syntax Error Code",
    "620": "Implementation Segment Syntax Error Code", "621": "Implementation Data Element Syntax Error Code",
    # beginning segments and common
    "353": "Transaction Set Purpose Code", "92": "Purchase Order Type Code", "324": "Purchase Order Number",
    "328": "Release Number", "373": "Date", "337": "Time", "367": "Contract Number",
    "587": "Acknowledgment Type", "1019": "Invoice Type Code", "1166": "Contract Type Code",
    "1232": "Purchase Category", "786": "Security Level Code", "640": "Transaction Type Code",
    "327": "Change Order Sequence Number", "326": "Request Reference Number",
    "98": "Entity Identifier Code", "100": "Currency Code", "280": "Exchange Rate",
    "128": "Reference Identification Qualifier", "127": "Reference Identification", "352": "Description",
    "C040": "Reference Identifier", "366": "Contact Function Code", "93": "Name",
    "365": "Communication Number Qualifier", "364": "Communication Number", "443": "Contact Inquiry Reference",
    "374": "Date/Time Qualifier", "623": "Time Code", "1250": "Date Time Period Format Qualifier",
    "1251": "Date Time Period", "66": "Identification Code Qualifier", "67": "Identification Code",
    "706": "Entity Relationship Code", "166": "Address Information", "19": "City Name",
    "156": "State or Province Code", "116": "Postal Code", "26": "Country Code", "309": "Location Qualifier",
    "310": "Location Identifier",
    # line items
    "350": "Assigned Identification", "330": "Quantity Ordered", "355": "Unit or Basis for Measurement Code",
    "C001": "Composite Unit of Measure", "212": "Unit Price", "639": "Basis of Unit Price Code",
    "235": "Product/Service ID Qualifier", "234": "Product/Service ID", "670": "Change or Response Type Code",
    "671": "Quantity Left to Receive", "668": "Line Item Status Code", "380": "Quantity",
    "559": "Agency Qualifier Code", "822": "Source Subqualifier", "1271": "Industry Code",
    "349": "Item Description Type", "750": "Product/Process Characteristic Code",
    "751": "Product Description Code", "752": "Surface/Layer/Position Code",
    "1073": "Yes/No Condition or Response Code", "819": "Language Code", "354": "Number of Line Items",
    "347": "Hash Total", "81": "Weight", "183": "Volume", "522": "Amount Qualifier Code",
    "782": "Monetary Amount", "478": "Credit/Debit Flag Code",
    # ship notice
    "396": "Shipment Identification", "1005": "Hierarchical Structure Code", "641": "Status Reason Code",
    "628": "Hierarchical ID Number", "734": "Hierarchical Parent ID Number", "735": "Hierarchical Level Code",
    "736": "Hierarchical Child Code", "382": "Number of Units Shipped", "646": "Quantity Shipped to Date",
    "728": "Returnable Container Load Make-Up Code", "662": "Relationship Code",
    "88": "Marks and Numbers Qualifier", "87": "Marks and Numbers", "356": "Pack", "357": "Size",
    "103": "Packaging Code", "80": "Lading Quantity", "23": "Commodity Code Qualifier", "22": "Commodity Code",
    "79": "Lading Description", "187": "Weight Qualifier", "133": "Routing Sequence Code",
    "91": "Transportation Method/Type Code", "387": "Routing", "368": "Shipment/Order Status Code",
    "731": "Transit Direction Code", "732": "Transit Time Direction Qualifier", "733": "Transit Time",
    "284": "Service Level Code",
    # planning schedule
    "675": "Schedule Type Qualifier", "676": "Schedule Quantity Qualifier", "680": "Forecast Qualifier",
    "681": "Timing Qualifier",
    # invoice
    "76": "Invoice Number", "358": "Quantity Invoiced", "610": "Amount", "963": "Tax Type Code",
    "954": "Percent", "955": "Tax Jurisdiction Code Qualifier", "956": "Tax Jurisdiction Code",
    "441": "Tax Exempt Code",
}
