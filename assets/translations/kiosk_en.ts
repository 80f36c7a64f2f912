<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>Attract</name>
    <message>
        <source>24-hour self-service</source>
        <translation>24-hour self-service</translation>
    </message>
    <message>
        <source>Touch to start</source>
        <translation>Touch to start</translation>
    </message>
</context>
<context>
    <name>Capture</name>
    <message>
        <source>Document %1 of %2</source>
        <translation>Document %1 of %2</translation>
    </message>
    <message>
        <source>Your ID card was read: no photo of it is needed.</source>
        <translation>Your ID card was read: no photo of it is needed.</translation>
    </message>
    <message>
        <source>Place the document under the camera, flat and inside the frame</source>
        <translation>Place the document under the camera, flat and inside the frame</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>Starting the camera…</translation>
    </message>
    <message>
        <source>Retaking page %1: place it under the camera again</source>
        <translation>Retaking page %1: place it under the camera again</translation>
    </message>
    <message>
        <source>Keep the old page</source>
        <translation>Keep the old page</translation>
    </message>
    <message>
        <source>Pages: %1 (at least %2, at most %3)</source>
        <translation>Pages: %1 (at least %2, at most %3)</translation>
    </message>
    <message>
        <source>Retake</source>
        <translation>Retake</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <source>Capture page</source>
        <translation>Capture page</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
</context>
<context>
    <name>Catalog</name>
    <message>
        <source>Choose a service</source>
        <translation>Choose a service</translation>
    </message>
    <message>
        <source>Search: name, keyword or pinyin (e.g. gssldj)</source>
        <translation>Search: name, keyword or pinyin (e.g. gssldj)</translation>
    </message>
    <message>
        <source>All</source>
        <translation>All</translation>
    </message>
    <message>
        <source>No service matches. Try another word or a category.</source>
        <translation>No service matches. Try another word or a category.</translation>
    </message>
</context>
<context>
    <name>ChangePin</name>
    <message>
        <source>Enter the current admin PIN</source>
        <translation>Enter the current admin PIN</translation>
    </message>
    <message>
        <source>Enter the new PIN (at least 6 digits, not all the same, not a run)</source>
        <translation>Enter the new PIN (at least 6 digits, not all the same, not a run)</translation>
    </message>
    <message>
        <source>Enter the new PIN again</source>
        <translation>Enter the new PIN again</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>Change the admin PIN</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>Consent</name>
    <message>
        <source>Your consent</source>
        <translation>Your consent</translation>
    </message>
    <message>
        <source>What we collect: your identity document data, the form you filled in and the pages you captured.</source>
        <translation>What we collect: your identity document data, the form you filled in and the pages you captured.</translation>
    </message>
    <message>
        <source>Why: only to handle this application with the competent department.</source>
        <translation>Why: only to handle this application with the competent department.</translation>
    </message>
    <message>
        <source>How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.</source>
        <translation>How long: stored encrypted on this terminal until the department has received it, then deleted within 30 days.</translation>
    </message>
    <message>
        <source>I have read this and agree</source>
        <translation>I have read this and agree</translation>
    </message>
    <message>
        <source>Submit application</source>
        <translation>Submit application</translation>
    </message>
</context>
<context>
    <name>Diagnostics</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warning</translation>
    </message>
    <message>
        <source>Fault</source>
        <translation>Fault</translation>
    </message>
    <message>
        <source>Not checked</source>
        <translation>Not checked</translation>
    </message>
    <message>
        <source>ID card reader</source>
        <translation>ID card reader</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>Camera</translation>
    </message>
    <message>
        <source>Code scanner</source>
        <translation>Code scanner</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>Receipt printer</translation>
    </message>
    <message>
        <source>A4 printer</source>
        <translation>A4 printer</translation>
    </message>
    <message>
        <source>Read a test card</source>
        <translation>Read a test card</translation>
    </message>
    <message>
        <source>Scan a test code</source>
        <translation>Scan a test code</translation>
    </message>
    <message>
        <source>Print a test page</source>
        <translation>Print a test page</translation>
    </message>
    <message>
        <source>Measure the camera</source>
        <translation>Measure the camera</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>valid</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>expired</translation>
    </message>
    <message>
        <source>long-term</source>
        <translation>long-term</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unknown</translation>
    </message>
    <message>
        <source>Testing…</source>
        <translation>Testing…</translation>
    </message>
    <message>
        <source>Test failed: %1</source>
        <translation>Test failed: %1</translation>
    </message>
    <message>
        <source>Card kind: %1, validity: %2</source>
        <translation>Card kind: %1, validity: %2</translation>
    </message>
    <message>
        <source>Symbology: %1, %2 bytes</source>
        <translation>Symbology: %1, %2 bytes</translation>
    </message>
    <message>
        <source>%1 frames per second, focus score %2</source>
        <translation>%1 frames per second, focus score %2</translation>
    </message>
    <message>
        <source>Test page printed</source>
        <translation>Test page printed</translation>
    </message>
    <message>
        <source>Diagnostics</source>
        <translation>Diagnostics</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>Leave admin mode</source>
        <translation>Leave admin mode</translation>
    </message>
    <message>
        <source>Running the checks…</source>
        <translation>Running the checks…</translation>
    </message>
    <message>
        <source>Terminal %1 · checked %2 · app %3 · catalogue %4</source>
        <translation>Terminal %1 · checked %2 · app %3 · catalogue %4</translation>
    </message>
    <message>
        <source>All required checks passed</source>
        <translation>All required checks passed</translation>
    </message>
    <message>
        <source>A required check failed: the terminal is out of service</source>
        <translation>A required check failed: the terminal is out of service</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Devices</translation>
    </message>
    <message>
        <source>Status: %1</source>
        <translation>Status: %1</translation>
    </message>
    <message>
        <source>Last error: %1 at %2</source>
        <translation>Last error: %1 at %2</translation>
    </message>
    <message>
        <source>Queue and sync</source>
        <translation>Queue and sync</translation>
    </message>
    <message>
        <source>Unsent: %1 · refused (parked): %2 · oldest unsent: %3</source>
        <translation>Unsent: %1 · refused (parked): %2 · oldest unsent: %3</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Actions</translation>
    </message>
    <message>
        <source>Retry refused submissions</source>
        <translation>Retry refused submissions</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Sync now</translation>
    </message>
    <message>
        <source>Reload the catalogue</source>
        <translation>Reload the catalogue</translation>
    </message>
    <message>
        <source>Restart the app</source>
        <translation>Restart the app</translation>
    </message>
    <message>
        <source>Sync now is not available: this app runs no sync worker (the sync service does).</source>
        <translation>Sync now is not available: this app runs no sync worker (the sync service does).</translation>
    </message>
    <message>
        <source>Recent log lines (redacted)</source>
        <translation>Recent log lines (redacted)</translation>
    </message>
    <message>
        <source>Write report</source>
        <translation>Write report</translation>
    </message>
    <message>
        <source>Change the admin PIN</source>
        <translation>Change the admin PIN</translation>
    </message>
    <message>
        <source>Report file: %1</source>
        <translation>Report file: %1</translation>
    </message>
</context>
<context>
    <name>End</name>
    <message>
        <source>Thank you</source>
        <translation>Thank you</translation>
    </message>
    <message>
        <source>Please take your receipt. Your details have been cleared from this screen.</source>
        <translation>Please take your receipt. Your details have been cleared from this screen.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Home</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Back</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Page %1 of %2</source>
        <translation>Page %1 of %2</translation>
    </message>
    <message>
        <source>Identified: %1</source>
        <translation>Identified: %1</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Next</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Standard view</source>
        <translation>Standard view</translation>
    </message>
    <message>
        <source>Large text</source>
        <translation>Large text</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Help</translation>
    </message>
    <message>
        <source>A member of staff has been called and will come to help you.</source>
        <translation>A member of staff has been called and will come to help you.</translation>
    </message>
</context>
<context>
    <name>Home</name>
    <message>
        <source>What would you like to do?</source>
        <translation>What would you like to do?</translation>
    </message>
    <message>
        <source>Apply for a service</source>
        <translation>Apply for a service</translation>
    </message>
    <message>
        <source>Business, social insurance, health, family and more</source>
        <translation>Business, social insurance, health, family and more</translation>
    </message>
    <message>
        <source>Check progress</source>
        <translation>Check progress</translation>
    </message>
    <message>
        <source>With the tracking number or the QR code on your receipt</source>
        <translation>With the tracking number or the QR code on your receipt</translation>
    </message>
    <message>
        <source>Collect a result</source>
        <translation>Collect a result</translation>
    </message>
    <message>
        <source>Print a licence or certificate that is ready</source>
        <translation>Print a licence or certificate that is ready</translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation>Business-support policies</translation>
    </message>
    <message>
        <source>Find the policies your company qualifies for</source>
        <translation>Find the policies your company qualifies for</translation>
    </message>
</context>
<context>
    <name>Identify</name>
    <message>
        <source>Identify yourself</source>
        <translation>Identify yourself</translation>
    </message>
    <message>
        <source>ID card</source>
        <translation>ID card</translation>
    </message>
    <message>
        <source>Place your ID card on the reader</source>
        <translation>Place your ID card on the reader</translation>
    </message>
    <message>
        <source>Or type your document number</source>
        <translation>Or type your document number</translation>
    </message>
    <message>
        <source>Hong Kong identity card</source>
        <translation>Hong Kong identity card</translation>
    </message>
    <message>
        <source>Home Return Permit</source>
        <translation>Home Return Permit</translation>
    </message>
    <message>
        <source>Name as on the document</source>
        <translation>Name as on the document</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>Confirm</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>I am still here</source>
        <translation>I am still here</translation>
    </message>
</context>
<context>
    <name>OutOfService</name>
    <message>
        <source>Temporarily out of service</source>
        <translation>Temporarily out of service</translation>
    </message>
</context>
<context>
    <name>PickupResult</name>
    <message>
        <source>Your result is ready</source>
        <translation>Your result is ready</translation>
    </message>
    <message>
        <source>Take the printed document from the printer below.</source>
        <translation>Take the printed document from the printer below.</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Done</translation>
    </message>
</context>
<context>
    <name>PinPad</name>
    <message>
        <source>Technician access</source>
        <translation>Technician access</translation>
    </message>
    <message>
        <source>Enter the admin PIN</source>
        <translation>Enter the admin PIN</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PolicyLookup</name>
    <message>
        <source>Software and IT services</source>
        <translation>Software and IT services</translation>
    </message>
    <message>
        <source>Internet services</source>
        <translation>Internet services</translation>
    </message>
    <message>
        <source>Electronics manufacturing</source>
        <translation>Electronics manufacturing</translation>
    </message>
    <message>
        <source>Catering</source>
        <translation>Catering</translation>
    </message>
    <message>
        <source>Retail</source>
        <translation>Retail</translation>
    </message>
    <message>
        <source>Health care</source>
        <translation>Health care</translation>
    </message>
    <message>
        <source>Research and development</source>
        <translation>Research and development</translation>
    </message>
    <message>
        <source>Technology promotion</source>
        <translation>Technology promotion</translation>
    </message>
    <message>
        <source>Micro</source>
        <translation>Micro</translation>
    </message>
    <message>
        <source>Small</source>
        <translation>Small</translation>
    </message>
    <message>
        <source>Medium</source>
        <translation>Medium</translation>
    </message>
    <message>
        <source>Large</source>
        <translation>Large</translation>
    </message>
    <message>
        <source>Business-support policies</source>
        <translation>Business-support policies</translation>
    </message>
    <message>
        <source>Unified social credit code</source>
        <translation>Unified social credit code</translation>
    </message>
    <message>
        <source>Industry</source>
        <translation>Industry</translation>
    </message>
    <message>
        <source>Company size</source>
        <translation>Company size</translation>
    </message>
    <message>
        <source>Year established</source>
        <translation>Year established</translation>
    </message>
    <message>
        <source>Find policies</source>
        <translation>Find policies</translation>
    </message>
</context>
<context>
    <name>PolicyResults</name>
    <message>
        <source>Policies for your company</source>
        <translation>Policies for your company</translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>Apply</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <source>Very poor</source>
        <translation>Very poor</translation>
    </message>
    <message>
        <source>Poor</source>
        <translation>Poor</translation>
    </message>
    <message>
        <source>Fair</source>
        <translation>Fair</translation>
    </message>
    <message>
        <source>Good</source>
        <translation>Good</translation>
    </message>
    <message>
        <source>Very good</source>
        <translation>Very good</translation>
    </message>
    <message>
        <source>How was this service?</source>
        <translation>How was this service?</translation>
    </message>
    <message>
        <source>Why? (optional)</source>
        <translation>Why? (optional)</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>Skip</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Send</translation>
    </message>
</context>
<context>
    <name>Receipt</name>
    <message>
        <source>Tracking number</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>Rate this service</source>
        <translation>Rate this service</translation>
    </message>
</context>
<context>
    <name>ResultPickup</name>
    <message>
        <source>Collect a result</source>
        <translation>Collect a result</translation>
    </message>
    <message>
        <source>1. Scan or type the tracking number. 2. Place the applicant&apos;s ID card on the reader.</source>
        <translation>1. Scan or type the tracking number. 2. Place the applicant&apos;s ID card on the reader.</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Continue</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Check your application</source>
        <translation>Check your application</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>read from your ID card</source>
        <translation>read from your ID card</translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation>%1 page(s)</translation>
    </message>
    <message>
        <source>Everything is correct</source>
        <translation>Everything is correct</translation>
    </message>
</context>
<context>
    <name>ServiceDetail</name>
    <message>
        <source>Department: %1</source>
        <translation>Department: %1</translation>
    </message>
    <message>
        <source>Visits to a window: at most %1</source>
        <translation>Visits to a window: at most %1</translation>
    </message>
    <message>
        <source>Decision within %1 working day(s)</source>
        <translation>Decision within %1 working day(s)</translation>
    </message>
    <message>
        <source>Free of charge</source>
        <translation>Free of charge</translation>
    </message>
    <message>
        <source>Fee: CNY %1</source>
        <translation>Fee: CNY %1</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>scanned here</source>
        <translation>scanned here</translation>
    </message>
    <message>
        <source>original checked at a window</source>
        <translation>original checked at a window</translation>
    </message>
    <message>
        <source>Apply now</source>
        <translation>Apply now</translation>
    </message>
</context>
<context>
    <name>StatusCheck</name>
    <message>
        <source>Check progress</source>
        <translation>Check progress</translation>
    </message>
    <message>
        <source>Scan the QR code on your receipt, or type the tracking number.</source>
        <translation>Scan the QR code on your receipt, or type the tracking number.</translation>
    </message>
    <message>
        <source>Look up</source>
        <translation>Look up</translation>
    </message>
</context>
<context>
    <name>StatusResult</name>
    <message>
        <source>Progress</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>Tracking number</source>
        <translation>Tracking number</translation>
    </message>
    <message>
        <source>Last known status on this terminal, updated %1</source>
        <translation>Last known status on this terminal, updated %1</translation>
    </message>
</context>
<context>
    <name>StepIndicator</name>
    <message>
        <source>Choose</source>
        <translation>Choose</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>Identify</source>
        <translation>Identify</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Documents</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>Consent</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>Receipt</translation>
    </message>
</context>
<context>
    <name>Submitting</name>
    <message>
        <source>Saving your application securely…</source>
        <translation>Saving your application securely…</translation>
    </message>
    <message>
        <source>Please wait, do not leave yet.</source>
        <translation>Please wait, do not leave yet.</translation>
    </message>
</context>
</TS>
