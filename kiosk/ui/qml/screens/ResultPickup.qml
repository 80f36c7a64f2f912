import QtQuick
import "../components"

Item {
    Column {
        width: parent.width
        spacing: Theme.spacing
        ScreenTitle { text: qsTr("Collect a result") }
        KText { width: parent.width; text: qsTr("1. Scan or type the tracking number. 2. Place the applicant's ID card on the reader.") }
        KField {
            id: tracking
            objectName: "pickupTrackingField"
            width: parent.width
            placeholderText: "DM1-261125-0001-X"
            inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
            errorText: session.error
        }
        ErrorText { text: session.error }
        BigButton {
            objectName: "enterPickupTracking"
            primary: true
            text: qsTr("Continue")
            onClicked: session.enterPickupTracking(tracking.text)
        }
    }
}
